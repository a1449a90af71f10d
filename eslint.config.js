import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      'no-console': ['error', { allow: ['error'] }]
    }
  },
  {
    files: ['tools/**', '__tests__/**'],
    rules: { 'no-console': 'off' }
  }
)
