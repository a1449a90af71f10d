import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'delete-runner/dist/', 'unseal-token/dist/', 'coverage/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: globals.node },
    rules: {
      'no-console': ['error', { allow: ['error'] }]
    }
  },
  {
    files: ['tools/**', '__tests__/**'],
    rules: { 'no-console': 'off' }
  },
  {
    // Preloads and the undici stand-in are CommonJS on purpose: they load code with require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
)
