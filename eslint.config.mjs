import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    { ignores: ['**/dist/**', '**/node_modules/**', 'network/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
    eslint.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
        },
    },
    {
        // Endorsing peers must compute the same result: no wall clock, no randomness in chaincode.
        files: ['chaincode/src/**/*.ts'],
        ignores: ['chaincode/src/**/*.test.ts'],
        rules: {
            'no-restricted-properties': [
                'error',
                { object: 'Date', property: 'now', message: 'Use the transaction timestamp (common/time.ts).' },
                { object: 'Math', property: 'random', message: 'Chaincode must be deterministic.' },
            ],
            'no-restricted-syntax': [
                'error',
                {
                    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
                    message: 'Use the transaction timestamp (common/time.ts).',
                },
            ],
        },
    },
);
