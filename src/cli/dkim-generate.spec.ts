import { createPrivateKey, createPublicKey } from 'node:crypto';
import { chmod, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimRecord, DkimGenerateError, generateDkimKey, DkimKeyFileExists, txtStrings } from './dkim-generate';

describe(generateDkimKey.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qalam-dkim-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a 2048-bit RSA key as PKCS#8 PEM, mode 0600, and prints the record of its public key', async () => {
    const file = join(dir, 'keys', 'mail2026.private.pem');
    const made = await generateDkimKey({ domain: 'Letters.Example.ORG', selector: 'mail2026', file });
    const pem = await readFile(file, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const key = createPrivateKey(pem);
    expect([key.asymmetricKeyType, key.asymmetricKeyDetails?.modulusLength]).toEqual(['rsa', 2048]);

    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
    expect(made.file).toBe(file);
    expect(made.name).toBe('mail2026._domainkey.letters.example.org.');
    expect(made.value).toBe(`v=DKIM1; k=rsa; p=${spki}`);
    // A 2048-bit key's value is longer than one TXT string may be: two strings, joined by resolvers.
    const strings = [...made.record.matchAll(/"([^"]*)"/g)].map((match) => match[1]);
    expect(strings.length).toBe(2);
    expect(strings.every((part) => part.length <= 255)).toBe(true);
    expect(strings.join('')).toBe(made.value);
    expect(made.record).toBe(`mail2026._domainkey.letters.example.org. IN TXT "${strings[0]}" "${strings[1]}"`);
    expect(made.env).toEqual(['DKIM_DOMAIN=letters.example.org', 'DKIM_SELECTOR=mail2026', `DKIM_PRIVATE_KEY_FILE=${file}`]);
  });

  it('refuses to replace an existing key file, and replaces it with force (mode 0600 again)', async () => {
    const file = join(dir, 'qalam.private.pem');
    await writeFile(file, 'the key in use\n', { mode: 0o644 });
    await expect(generateDkimKey({ domain: 'example.org', selector: 'qalam', file, bits: 1024 })).rejects.toThrow(DkimKeyFileExists);
    await expect(readFile(file, 'utf8')).resolves.toBe('the key in use\n');

    await chmod(file, 0o644);
    await generateDkimKey({ domain: 'example.org', selector: 'qalam', file, bits: 1024, force: true });
    expect(createPrivateKey(await readFile(file)).asymmetricKeyDetails?.modulusLength).toBe(1024);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('defaults to ./var/dkim/<selector>.private.pem', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const made = await generateDkimKey({ domain: 'example.org', selector: 's1', bits: 1024 });
      expect(made.file).toBe(join(await realpath(dir), 'var', 'dkim', 's1.private.pem'));
      await expect(stat(made.file)).resolves.toBeTruthy();
    } finally {
      process.chdir(cwd);
    }
  });

  it.each([
    [{ domain: 'not a domain', selector: 'qalam' }, /--domain/],
    [{ domain: 'example.org', selector: 'bad_selector!' }, /--selector/],
    [{ domain: 'example.org', selector: 'qalam', bits: 512 }, /--bits/],
    [{ domain: 'example.org', selector: 'qalam', bits: 2048.5 }, /--bits/],
  ])('refuses %j and writes nothing', async (options, message) => {
    const file = join(dir, 'k.pem');
    await expect(generateDkimKey({ ...options, file })).rejects.toThrow(DkimGenerateError);
    await expect(generateDkimKey({ ...options, file })).rejects.toThrow(message);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe(dkimRecord.name, () => {
  it('keeps a short value in one string and splits a long one at 255 characters', () => {
    expect(dkimRecord('s', 'example.org', Buffer.from('key')).record).toBe('s._domainkey.example.org. IN TXT "v=DKIM1; k=rsa; p=a2V5"');
    const long = 'x'.repeat(600);
    expect(txtStrings(long).map((part) => part.length)).toEqual([255, 255, 90]);
    expect(txtStrings(long).join('')).toBe(long);
  });
});
