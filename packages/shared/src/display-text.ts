/**
 * Text one visitor shows another (display names, chat, queue messages, tickets) made safe to show: no bidi
 * controls that reorder what follows (`\u202Etnega troppus` would read "support agent"), no invisible
 * characters that make two names look alike (`Gu\u200Best` and "Guest"), no control characters. Names are
 * also NFKC-normalised, so look-alike compatibility forms (full-width letters, ligatures) become their
 * plain letters. The UI still isolates every name (`<bdi>`, `dir=auto`): a right-to-left name is fine, it
 * must just not spill over what surrounds it.
 */

/** Bidi embeddings, overrides, isolates and marks. */
const BIDI_CONTROLS = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
/**
 * Characters that show as nothing (or as blank) but are no space: soft hyphen, combining grapheme joiner,
 * Hangul fillers, Khmer inherent vowels, Mongolian selectors and vowel separator, zero-width space, word
 * joiner and invisible operators, byte order mark, Hangul half-width filler, interlinear annotation marks.
 */
const INVISIBLE =
  '\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B\\u2060-\\u2064\\u206A-\\u206F\\u3164\\uFEFF\\uFFA0\\uFFF9-\\uFFFB';
/** C0 and C1 controls and DEL. Tabs and line breaks are handled apart (kept in messages, spaces in names). */
const CONTROLS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F';

/* eslint-disable no-misleading-character-class -- these classes match each code point alone, on purpose */
const UNSAFE = new RegExp(`[${BIDI_CONTROLS}${INVISIBLE}${CONTROLS}]`, 'gu');
/** Tag characters, except in an emoji flag sequence (a black flag, tags, then the cancel tag). */
const STRAY_TAGS = /(?<!\u{1F3F4}[\u{E0020}-\u{E007E}]*)[\u{E0000}-\u{E007F}]/gu;
/** A zero-width joiner outside an emoji sequence (where it joins two pictographs) joins nothing visible. */
const STRAY_ZWJ =
  /(?<!\p{Extended_Pictographic}[\u{FE0F}\u{1F3FB}-\u{1F3FF}]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
/* eslint-enable no-misleading-character-class */
/** A zero-width non-joiner matters between letters of scripts that join (Arabic, Persian, Indic); elsewhere it is invisible. */
const STRAY_ZWNJ =
  /\u200C(?!(?<=[\p{L}\p{M}]\u200C)(?=[\p{L}\p{M}]))|(?<=\p{Script=Latin}\u200C)|\u200C(?=\p{Script=Latin})/gu;

function stripUnsafe(text: string): string {
  return text.replace(UNSAFE, '').replace(STRAY_TAGS, '').replace(STRAY_ZWJ, '').replace(STRAY_ZWNJ, '');
}

/**
 * A display name as others are shown it: NFKC, without bidi controls, invisible or control characters, line
 * breaks and tabs as single spaces, trimmed. May be empty (the caller then uses its default name).
 */
export function displayNameText(raw: string): string {
  return stripUnsafe(raw.normalize('NFKC'))
    .replace(/[\s\u2028\u2029]+/gu, ' ')
    .trim();
}

/**
 * A message as others are shown it (chat, a support request, a ticket): without bidi controls, invisible or
 * control characters; line breaks are kept (`\r\n` and the Unicode separators become `\n`), surrounding
 * whitespace trimmed. May be empty.
 */
export function messageText(raw: string): string {
  return stripUnsafe(raw.normalize('NFC').replace(/\r\n?|[\u2028\u2029]/gu, '\n')).trim();
}
