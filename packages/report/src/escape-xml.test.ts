import {escapeXml} from './escape-xml';

describe('escapeXml', () => {
  it('escapes the five XML specials, ampersand first so entities are not doubled', () => {
    expect(escapeXml(`a<b & "c" > 'd'`)).toBe('a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39;');
  });

  it('replaces control characters XML 1.0 forbids, keeps tab and newline', () => {
    expect(escapeXml('a\x1b[1mb\tc\nd')).toBe('a\ufffd[1mb\tc\nd');
  });

  it('leaves unicode (σ, ∞, emoji) alone', () => {
    expect(escapeXml('σ=∞ 🙂')).toBe('σ=∞ 🙂');
  });
});
