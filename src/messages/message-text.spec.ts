import { MESSAGE_MAX_LENGTH, messageProblemText, messageTextProblems, normalMessageText } from './message-text';

describe('message text', () => {
  it('keeps a text as it is printed: LF line breaks, no control characters, lines and the whole trimmed', () => {
    expect(normalMessageText('  Dear Ahmad,  \r\n\r\nwe are with you.\u0007 \r')).toBe('Dear Ahmad,\n\nwe are with you.');
  });

  it('refuses an empty, long, many-lined or unprintable text, naming each problem', () => {
    expect(messageTextProblems('')).toEqual([{ key: 'empty' }]);
    expect(messageTextProblems('я'.repeat(MESSAGE_MAX_LENGTH))).toEqual([]);
    // Counted in characters, not UTF-16 units.
    expect(messageTextProblems('ҷ'.repeat(MESSAGE_MAX_LENGTH + 1))).toEqual([{ key: 'tooLong', length: MESSAGE_MAX_LENGTH + 1, max: MESSAGE_MAX_LENGTH }]);
    expect(messageTextProblems(Array.from({ length: 13 }, () => 'a').join('\n'))).toEqual([{ key: 'tooManyLines', lines: 13, max: 12 }]);
    const [unprintable] = messageTextProblems('Courage 😀 ش');
    expect(messageProblemText(unprintable)).toBe("text has characters the cards' fonts cannot print: U+1F600 😀, U+0634 ش");
  });
});
