// The effects run in a worker started from a blob: URL. A host page whose Content-Security-Policy forbids such
// workers gets effect_unavailable (and keeps its camera), never a start that hangs. Its own file: a policy
// cannot be taken back, so it must not reach the other tests' page.
import { expect } from '@esm-bundle/chai';
import { EffectError, VideoEffects } from '../src/media/effects/index.js';
import { solidTrack, stopSources } from './media-sources.js';

describe('video effects under a policy without blob: workers', () => {
  after(stopSources);

  it('fail with effect_unavailable and leave the camera running', async () => {
    const policy = Object.assign(document.createElement('meta'), {
      httpEquiv: 'Content-Security-Policy',
      content: "worker-src 'none'",
    });
    document.head.append(policy);
    const camera = solidTrack([200, 100, 50]);
    const error = await VideoEffects.start(camera, 'grayscale').then(
      (pipeline) => (pipeline.stop(), null),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(EffectError);
    expect((error as EffectError).code).to.equal('effect_unavailable');
    expect((error as Error).message).to.contain('effects worker');
    expect(camera.readyState).to.equal('live');
  });
});
