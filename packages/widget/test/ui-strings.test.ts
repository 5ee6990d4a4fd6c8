/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { en, loadStrings, resolveStrings, type Strings } from '../src/ui/strings.js';

describe('UI strings', () => {
  it('speaks English until the table of another language has loaded (it is a lazy chunk)', async () => {
    expect(resolveStrings('es').join).to.equal('Join');
    await loadStrings('es-MX');
    expect(resolveStrings('es').join).to.equal('Unirse');
    await loadStrings('xx'); // no table: nothing to load, no error
    await loadStrings(null);
  });

  it('resolves each language by its BCP 47 tag, region and case aside', async () => {
    await Promise.all(['fr-CA', 'de', 'es'].map(loadStrings));
    expect(resolveStrings('en').join).to.equal('Join');
    expect(resolveStrings('fr').join).to.equal('Rejoindre');
    expect(resolveStrings('fr-CA').join).to.equal('Rejoindre');
    expect(resolveStrings('DE-at').join).to.equal('Beitreten');
    expect(resolveStrings('es_MX').join).to.equal('Unirse');
    expect(resolveStrings('es-419').lang).to.equal('es');
  });

  it('falls back to English for an unknown, empty or missing tag, and for object keys', async () => {
    await Promise.all(['constructor', '__proto__'].map(loadStrings));
    for (const tag of ['zz', 'ja-JP', '', null, 'constructor', '__proto__']) expect(resolveStrings(tag).join, String(tag)).to.equal('Join');
  });

  it('lets overrides win, key by key, ignoring undefined ones', async () => {
    await loadStrings('fr');
    const strings = resolveStrings('fr-CA', { join: 'Entrer', unread: (n) => `${n} nouveaux`, leave: undefined });
    expect(strings.join).to.equal('Entrer');
    expect(strings.unread(3)).to.equal('3 nouveaux');
    expect(strings.leave).to.equal("Quitter l'appel");
    expect(resolveStrings('fr').join, 'the table itself is untouched').to.equal('Rejoindre');
  });

  it('has every string in every language, of the same kind, and translated', async () => {
    await Promise.all(['fr', 'de', 'es'].map(loadStrings));
    for (const lang of ['fr', 'de', 'es']) {
      const table = resolveStrings(lang);
      for (const key of Object.keys(en) as (keyof Strings)[]) {
        expect(typeof table[key], `${lang}.${key}`).to.equal(typeof en[key]);
      }
      expect(Object.keys(table)).to.have.length(Object.keys(en).length);
      expect(table.leave, lang).to.not.equal(en.leave);
    }
  });

  it('words the parameterised strings', async () => {
    await Promise.all(['fr', 'de', 'es'].map(loadStrings));
    expect(en.unread(2)).to.equal('2 unread');
    expect(en.participantsCount(3)).to.equal('3 in the call');
    expect(en.joinedAs('Ada')).to.equal('You joined as Ada');
    expect(en.you('Ada')).to.equal('Ada (you)');
    expect(resolveStrings('fr').unread(1)).to.equal('1 non lu');
    expect(resolveStrings('fr').unread(2)).to.equal('2 non lus');
    expect(resolveStrings('de').participantsCount(4)).to.equal('4 im Anruf');
    expect(resolveStrings('es').you('Ada')).to.equal('Ada (tú)');
  });
});
