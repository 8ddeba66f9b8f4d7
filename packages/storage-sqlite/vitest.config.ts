import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['test/**/*.test.ts'],
    // These tests start processes and browsers; on a busy 2-core CI machine the defaults (5 s, 10 s)
    // measure the machine, not the code.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
