import { Module } from '@nestjs/common';
import { LettersRepository } from './letters.repository';
import { SignaturesRepository } from './signatures.repository';

/** The letters and signatures tables: their repositories, for delivery and the features. */
@Module({
  providers: [LettersRepository, SignaturesRepository],
  exports: [LettersRepository, SignaturesRepository],
})
export class LettersModule {}
