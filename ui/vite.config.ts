/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  base: './',
  plugins: [
    vue(),
    // Element Plus on demand: each view's chunk imports the components (and their CSS) its
    // template uses, so the start screen loads a fraction of the library (docs/benchmarks.md).
    // (Tests mount components in Node, which cannot import CSS files: no styles there.)
    Components({ resolvers: [ElementPlusResolver({ importStyle: process.env.VITEST ? false : 'css' })], dts: false }),
  ],
  clearScreen: false,
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
  test: {
    environment: 'happy-dom',
    // A printable view links its paper's stylesheet (logic/pageStyle.ts); happy-dom loads no CSS
    // files, and says so loudly unless told a skipped file counts as loaded.
    environmentOptions: { happyDOM: { settings: { handleDisabledFileLoadingAsSuccess: true } } },
    include: ['tests/**/*.test.ts'],
    // Mounting a whole screen takes about a second alone and several on the 2-core build
    // machine while other builds run; the default 5 s failed there without anything wrong.
    testTimeout: 30_000,
  },
})
