// ESLint for the UI: JavaScript's recommended rules, Vue's recommended rules for single-file components,
// and eslint-config-prettier last, so that no rule argues with Prettier about layout (.prettierrc.json).
import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

// Every Vue file's template is translated (issue 21): no literal text, see the no-bare-strings rule below.
const I18N_CONVERTED = ['src/**/*.vue']

export default [
  { ignores: ['dist/**', 'dev-dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.browser } },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // No literal text in templates (issue 21): every word comes from src/locales through $t.
    files: I18N_CONVERTED,
    rules: {
      'vue/no-bare-strings-in-template': [
        'error',
        {
          // Punctuation and symbols that read the same in every language.
          allowlist: [
            '(',
            ')',
            ',',
            '.',
            '&',
            '+',
            '-',
            '=',
            '*',
            '/',
            '#',
            '%',
            '!',
            '?',
            ':',
            '[',
            ']',
            '{',
            '}',
            '<',
            '>',
            '•',
            '·',
            '—',
            '–',
            '|',
            '×',
            '₹',
            '★',
            '…',
            '→',
            '“',
            '”',
            // Numerals: a page number, a rating out of 5.
            '1',
            '5',
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.js', 'scripts/**/*.js', '*.config.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  prettier,
]
