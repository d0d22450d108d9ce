import { NotFoundException, ParseUUIDPipe } from '@nestjs/common';

/** A malformed id names nothing that exists: 404, as the contract says, never 500. */
export const UuidParam = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('Not found') });
