import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** Each constraint's message, beginning with its field's path (`templateIds must hold UUIDs`, `case.name: ...`). */
export function messagesOf(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`,
    );
    return [...own, ...messagesOf(error.children ?? [], path)];
  });
}

/** Unknown fields are refused, not dropped; every message names its field. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new BadRequestException(messagesOf(errors)),
  });
}
