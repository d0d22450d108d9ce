import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error the API answers, in Nest's shape (see AllExceptionsFilter). */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', example: 400 }) statusCode: number;
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'What is wrong; a validation error lists one message per problem, each naming its field',
    example: ['name must be longer than or equal to 1 characters'],
  })
  message: string | string[];
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiPropertyOptional({ description: "The domain error's stable code, when there is one", example: 'appeal_status' }) code?: string;
}
