import { createSecretKey, KeyObject } from 'node:crypto';
import type { JwtModuleOptions } from '@nestjs/jwt';

/**
 * JwtModule options that hand jsonwebtoken APP_SECRET as a KeyObject, built once at boot.
 * Given the secret as a string, jsonwebtoken first tries `crypto.createPublicKey` on it
 * (which throws) and only then `createSecretKey`, on every sign and verify: under load that
 * was a quarter of the API's CPU. The key's bytes are the same (the secret's UTF-8), so
 * tokens issued before still verify.
 */
export function jwtSecretOptions(appSecret: string): Pick<JwtModuleOptions, 'secretOrKeyProvider'> {
  const key: KeyObject = createSecretKey(Buffer.from(appSecret, 'utf8'));
  return { secretOrKeyProvider: () => key };
}
