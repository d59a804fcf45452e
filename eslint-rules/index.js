/** The project's local ESLint plugin, registered as `mplsgre` in eslint.config.js. */
import noShell from './no-shell.js';

export default {
  meta: { name: 'eslint-plugin-mplsgre', version: '0.1.0' },
  rules: { 'no-shell': noShell },
};
