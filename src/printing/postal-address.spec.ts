import { addressLines, addressProblem, countryLine, countryLineLanguage, officialAddress } from './postal-address';

describe('countryLine', () => {
  it('is the English name in capitals by default', () => {
    expect(countryLine('TJ')).toBe('TAJIKISTAN');
    expect(countryLine('uz')).toBe('UZBEKISTAN');
    expect(countryLine('RU')).toBe('RUSSIAN FEDERATION');
    expect(countryLine('TR')).toBe('TÜRKIYE');
    expect(countryLineLanguage('TJ')).toBe('en');
  });

  it('is the French name where the destination post works in French', () => {
    expect(countryLineLanguage('SN')).toBe('fr');
    expect(countryLine('SN')).toBe('SÉNÉGAL');
    expect(countryLine('BE')).toBe('BELGIQUE');
    expect(countryLine('CI')).toBe("CÔTE-D'IVOIRE");
  });

  it('refuses a code the country data does not know', () => {
    expect(() => countryLine('QQ')).toThrow(/QQ/);
    expect(addressProblem({ lines: ['x'], country: 'ZZ' })).toMatch(/ZZ/);
    expect(addressProblem({ lines: ['x'], country: 'TJK' })).toMatch(/TJK/);
    expect(addressProblem({ lines: [], country: 'TJ' })).toBe('the address has no lines');
    expect(addressProblem({ lines: ['x'], country: 'TJ' })).toBeNull();
  });
});

describe('officialAddress', () => {
  it('is name, title, organisation, then the postal lines as recorded', () => {
    expect(officialAddress({ name: 'Mr Yusuf Rahmon', title: 'Prosecutor General', organisation: 'Prosecutor’s Office', postalAddress: '126 Nabiev Street\r\n\nDushanbe 734043  \n', country: 'tj' })).toEqual({
      lines: ['Mr Yusuf Rahmon', 'Prosecutor General', 'Prosecutor’s Office', '126 Nabiev Street', 'Dushanbe 734043'],
      postalLines: ['126 Nabiev Street', 'Dushanbe 734043'],
      country: 'TJ',
    });
  });

  it('leaves out an organisation that is not recorded, and has no postal lines without an address', () => {
    expect(officialAddress({ name: 'A', title: 'B', organisation: null, postalAddress: '', country: 'RU' })).toEqual({ lines: ['A', 'B'], postalLines: [], country: 'RU' });
    expect(addressLines(null)).toEqual([]);
  });
});
