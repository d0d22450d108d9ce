import * as fontkit from 'fontkit';

/**
 * The faces every printed page is set in: DejaVu Serif from the `dejavu-fonts-ttf` package
 * (never the system's fonts, so a print run looks the same on every machine). Regular for
 * text, bold for the sender, subject and country line, italic for a member's note.
 */
export const FACES = {
  regular: 'DejaVuSerif',
  bold: 'DejaVuSerif-Bold',
  italic: 'DejaVuSerif-Italic',
} as const;

export type Face = keyof typeof FACES;

/** The TrueType file of a face, inside node_modules (resolved from src/ and dist/ alike). */
export function fontFile(face: Face): string {
  return require.resolve(`dejavu-fonts-ttf/ttf/${FACES[face]}.ttf`);
}

/** Line breaks and tabs are layout, not glyphs: no font needs to set them. */
const LAYOUT_CHARACTERS: ReadonlySet<number> = new Set([0x09, 0x0a, 0x0d]);

let faces: fontkit.Font[] | undefined;
/** A cmap lookup costs more than the rest of a character's check: each code point is looked up once. */
const settableCodePoints = new Map<number, boolean>();

function loadedFaces(): fontkit.Font[] {
  if (!faces) {
    faces = (Object.keys(FACES) as Face[]).map((face) => {
      const font = fontkit.openSync(fontFile(face));
      // A collection (.ttc) would need a face picked from it; DejaVu ships plain .ttf files.
      if (!('hasGlyphForCodePoint' in font)) throw new Error(`${FACES[face]} is not a single font`);
      return font;
    });
  }
  return faces;
}

/**
 * The characters of `text` that the embedded fonts cannot set (by their cmap: every face a
 * printed letter uses must have the glyph), each once, in order of first appearance. Empty
 * when the text can be printed. For refusing a template, or a note, before a print run.
 */
export function unsupportedCharacters(text: string): string[] {
  const fonts = loadedFaces();
  const missing = new Set<string>();
  for (const character of text) {
    const codePoint = character.codePointAt(0)!;
    if (LAYOUT_CHARACTERS.has(codePoint) || missing.has(character)) continue;
    let settable = settableCodePoints.get(codePoint);
    if (settable === undefined) {
      settable = fonts.every((font) => font.hasGlyphForCodePoint(codePoint));
      settableCodePoints.set(codePoint, settable);
    }
    if (!settable) missing.add(character);
  }
  return [...missing];
}

/** "U+0634 ش, U+1F600 😀": characters named so a coordinator can find them (controls by code only). */
export function describeCharacters(characters: readonly string[]): string {
  return characters
    .map((character) => {
      const code = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      return /\p{C}|\p{Z}/u.test(character) ? code : `${code} ${character}`;
    })
    .join(', ');
}

/** Refuses, before any file is opened, an organisation's name or return address the fonts cannot set. */
export function checkOrganisation(orgName: string, orgPostalAddress: string): void {
  if (orgName.trim() === '') throw new Error("the organisation's name is empty");
  if (orgPostalAddress.trim() === '') throw new Error('the organisation has no postal address: printed letters and envelopes need a return address');
  const missing = unsupportedCharacters(`${orgName}\n${orgPostalAddress}`);
  if (missing.length > 0) throw new Error(`the organisation's name or postal address has characters the fonts cannot set: ${describeCharacters(missing)}`);
}
