import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Hermetic: no user curl config, no real AWS credentials, no colour codes in captured output.
    env: {
      MTLS_WIZARD_STATE_DIR: '',
      MTLS_WIZARD_PASSPHRASE: '',
      AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
      AWS_REGION: 'us-east-1',
      FORCE_COLOR: '0',
      NO_COLOR: '1',
    },
    setupFiles: ['test/helpers/setup.ts'],
  },
});
