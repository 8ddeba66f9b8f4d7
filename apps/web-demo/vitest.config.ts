import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['test/**/*.test.ts'],
    // Bundling three ways and driving a real browser on a busy 2-core machine takes minutes, not seconds.
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
