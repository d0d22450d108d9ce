import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { SupporterView } from '../../supporters/dto/supporter.dto';

export class LoginDto {
  @ApiProperty({ minLength: 3, maxLength: 254, example: 'admin@example.org' })
  @IsString() @MinLength(3) @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 200, format: 'password' })
  @IsString() @MinLength(1) @MaxLength(200)
  password: string;
}

export class LoginResponse {
  @ApiProperty({ description: 'Send it as `Authorization: Bearer <accessToken>`' }) accessToken: string;
  @ApiProperty({ type: SupporterView }) supporter: SupporterView;
}
