// Lint rules: typescript-eslint's type-checked recommendations, plus no floating promises.
import tseslint from "typescript-eslint";

export default tseslint.config(
  // .tmp is git-ignored scratch space.
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      ".tmp/**",
      "bench/**/*.mjs",
      "scripts/**/*.mjs",
      // Stand-alone test servers, run by node as they are.
      "test/**/*.mjs",
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Classic zod adds ~35 ms to start-up; the CLI's code uses zod/mini. Tests may use either.
    files: ["src/**/*.ts", "src/**/*.tsx"],
    ignores: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "zod", message: 'Use `import * as z from "zod/mini"`.' }] },
      ],
    },
  },
  {
    files: ["eslint.config.js", "vitest.config.ts"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
