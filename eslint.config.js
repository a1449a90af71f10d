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
    // The rule of src/README.md: a shared room never imports an action's folder, and step/
    // (the runner protocol) imports no other room of ours.
    files: ['src/github/**', 'src/sealed-token/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../remove-token/*', '../delete-runner/*', '../unseal-token/*'],
              message: 'A shared room never imports an action folder (src/README.md).'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/step/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*'], message: 'step/ imports no other folder of ours (src/README.md).' }
          ]
        }
      ]
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
