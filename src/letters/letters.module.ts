import { Module } from '@nestjs/common';
import { LettersRepository } from './letters.repository';
import { SignaturesRepository } from './signatures.repository';
import { SuppressionsRepository } from './suppressions.repository';

/** The letters, signatures and suppressions tables: their repositories, for delivery and the features. */
@Module({
  providers: [LettersRepository, SignaturesRepository, SuppressionsRepository],
  exports: [LettersRepository, SignaturesRepository, SuppressionsRepository],
})
export class LettersModule {}
