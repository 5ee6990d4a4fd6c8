/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { queueEn, withQueueStrings } from '../src/ui/queue-strings.js';
import { announceEn } from '../src/ui/announce-strings.js';
import { recordingEn } from '../src/ui/recording-strings.js';
import { hostEn } from '../src/ui/host-strings.js';
import {
  en,
  loadStrings,
  resolveStrings,
  type AnnounceStrings,
  type HostStrings,
  type QueueStrings,
  type RecordingStrings,
  type Strings,
} from '../src/ui/strings.js';

type AllStrings = Strings & QueueStrings & RecordingStrings & AnnounceStrings & HostStrings;

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
    for (const tag of ['zz', 'ja-JP', '', null, 'constructor', '__proto__'])
      expect(resolveStrings(tag).join, String(tag)).to.equal('Join');
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
    // The matching modes', recording's and announcements' words are in every table but the built-in English one
    // (theirs are lazy chunks).
    const english: AllStrings = { ...en, ...queueEn, ...recordingEn, ...announceEn, ...hostEn };
    for (const lang of ['fr', 'de', 'es']) {
      const table = resolveStrings(lang) as AllStrings;
      for (const key of Object.keys(english) as (keyof AllStrings)[]) {
        expect(typeof table[key], `${lang}.${key}`).to.equal(typeof english[key]);
      }
      expect(Object.keys(table)).to.have.length(Object.keys(english).length);
      expect(table.leave, lang).to.not.equal(en.leave);
      expect(table.lookingForSomeone, lang).to.not.equal(queueEn.lookingForSomeone);
      expect(table.callSupport, lang).to.not.equal(en.callSupport);
      expect(table.recordingConsent('Ada'), lang).to.not.equal(recordingEn.recordingConsent('Ada'));
      expect(table.participantMicrophone('Ada', false), lang).to.not.equal(
        announceEn.participantMicrophone('Ada', false),
      );
      expect(table.turnCameraOff, lang).to.not.equal(en.turnCameraOff);
      expect(table.knockAsks('Ada'), lang).to.not.equal(hostEn.knockAsks('Ada'));
      expect(table.knockWaiting, lang).to.not.equal(en.knockWaiting);
    }
  });

  it("completes a table with the matching modes' words: the language's own, else English; overrides win", async () => {
    await loadStrings('de');
    expect(withQueueStrings(resolveStrings('en')).takeNext).to.equal('Take next');
    expect(withQueueStrings(resolveStrings('de')).takeNext).to.equal('Nächsten annehmen');
    expect(withQueueStrings(resolveStrings('zz')).cancel).to.equal('Cancel');
    const overridden = withQueueStrings(
      resolveStrings('de', { takeNext: 'Weiter bitte', queuePosition: (n: number) => `#${n}` } as Partial<Strings>),
    );
    expect(overridden.takeNext).to.equal('Weiter bitte');
    expect(overridden.queuePosition(4)).to.equal('#4');
    expect(overridden.take).to.equal('Annehmen');
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
    const [fr, de, es] = ['fr', 'de', 'es'].map((lang) => resolveStrings(lang) as Strings & QueueStrings);
    expect([1, 4].map(queueEn.queuePosition)).to.deep.equal(['You are next in line', 'You are number 4 in line']);
    expect([0, 3].map(queueEn.estimatedWait)).to.deep.equal([
      'Estimated wait: under a minute',
      'Estimated wait: about 3 min',
    ]);
    expect([1, 2].map(queueEn.agentsOnline)).to.deep.equal(['1 agent online', '2 agents online']);
    expect(queueEn.waitedFor('1:05')).to.equal('waiting 1:05');
    expect([1, 3].map(fr!.agentsOnline)).to.deep.equal(['1 agent en ligne', '3 agents en ligne']);
    expect(de!.queuePosition(2)).to.equal('Sie sind an Position 2');
    expect(es!.estimatedWait(0)).to.equal('Espera estimada: menos de un minuto');
  });
});
