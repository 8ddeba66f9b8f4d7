import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['test/**/*.test.ts'],
    // The hooks render into a DOM; queue and storage are the real ones.
    environment: 'happy-dom',
    testTimeout: 30_000,
  },
});
