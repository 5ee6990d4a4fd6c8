import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.equal(config.databaseUrl, null);
    assert.equal(config.iceTransportPolicy, 'all');
    assert.equal(config.resumeGraceSeconds, 30);
    assert.equal(config.logLevel, 'info');
    assert.deepEqual(config.rateLimits, { restPerMinute: 600, signalsPerSecond: 50, handshakesPerMinute: 120 });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://video.example.com/',
      DATA_DIR: '/var/lib/vcw',
      STUN_URLS: 'stun:stun.example.com:3478',
      TURN_URLS: 'turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349',
      TURN_SECRET: 'a-long-enough-secret',
      ICE_TRANSPORT_POLICY: 'relay',
      RESUME_GRACE_SECONDS: '5',
      LOG_LEVEL: 'debug',
      RATE_LIMIT_REST_PER_MINUTE: '0',
      RATE_LIMIT_SIGNALS_PER_SECOND: '10',
      RATE_LIMIT_HANDSHAKES_PER_MINUTE: '30',
    });
    assert.deepEqual(config.rateLimits, { restPerMinute: 0, signalsPerSecond: 10, handshakesPerMinute: 30 });
    assert.equal(config.port, 8080);
    assert.equal(config.publicUrl, 'https://video.example.com');
    assert.deepEqual(config.turnUrls, ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349']);
    assert.equal(config.iceTransportPolicy, 'relay');
    assert.equal(config.resumeGraceSeconds, 5);
  });

  it('refuses bad values, naming every bad variable at once', () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: 'eighty',
          ICE_TRANSPORT_POLICY: 'sometimes',
          LOG_LEVEL: 'loud',
          STUN_URLS: 'http://x',
          TURN_URLS: 'turn:x',
          RATE_LIMIT_SIGNALS_PER_SECOND: '-1',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of [
          'PORT',
          'ICE_TRANSPORT_POLICY',
          'LOG_LEVEL',
          'STUN_URLS',
          'TURN_SECRET',
          'RATE_LIMIT_SIGNALS_PER_SECOND',
        ])
          assert.match(error.message, new RegExp(name));
        return true;
      },
    );
  });

  describe('several nodes (REDIS_URL)', () => {
    const secret = 'a-token-secret-of-at-least-32-characters';
    it('needs TOKEN_SECRET and DATABASE_URL, and says so for both at once', () => {
      assert.throws(
        () => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /REDIS_URL is set but TOKEN_SECRET is not/);
          assert.match(error.message, /REDIS_URL is set but DATABASE_URL is not/);
          return true;
        },
      );
      assert.throws(
        () => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', TOKEN_SECRET: secret }),
        /DATABASE_URL is not/,
      );
    });

    it('starts with both, under the default key prefix', () => {
      const config = loadConfig({
        REDIS_URL: 'rediss://cache.example:6380/2',
        TOKEN_SECRET: secret,
        DATABASE_URL: 'postgres://db.example/vcw',
      });
      assert.equal(config.redisUrl, 'rediss://cache.example:6380/2');
      assert.equal(config.redisKeyPrefix, 'vcw:');
      assert.equal(config.redisStreamMaxLength, 100_000);
      assert.equal(
        loadConfig({ REDIS_KEY_PREFIX: 'shop-eu:', REDIS_STREAM_MAX_LENGTH: '30000' }).redisKeyPrefix,
        'shop-eu:',
      );
    });

    it('refuses a URL that is not redis, a key prefix with spaces or globs, a stream too short', () => {
      assert.throws(
        () =>
          loadConfig({
            REDIS_URL: 'http://cache.example',
            REDIS_KEY_PREFIX: 'my prefix*',
            REDIS_STREAM_MAX_LENGTH: '10',
          }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          for (const name of ['REDIS_URL=', 'REDIS_KEY_PREFIX', 'REDIS_STREAM_MAX_LENGTH'])
            assert.ok(error.message.includes(name), name);
          return true;
        },
      );
    });
  });
});
