import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('builds the links of emails from PORT when PUBLIC_URL is unset', () => {
    expect(loadConfig({}).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '4000' })).toMatchObject({ port: 4000, publicUrl: 'http://localhost:4000' });
  });

  it('keeps a PUBLIC_URL it is given, less its trailing slashes, whatever the PORT', () => {
    expect(loadConfig({ PORT: '4000', PUBLIC_URL: 'https://letters.example.org/' }).publicUrl).toBe('https://letters.example.org');
  });

  it('names a bad PORT', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a number/);
  });
});
