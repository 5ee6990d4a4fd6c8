// Formatting (`npm run format`; `npm test` checks it). Prettier's defaults are the house style already
// (semicolons, trailing commas, parentheses around arrow parameters), at 120 columns and single quotes.
export default {
  printWidth: 120,
  singleQuote: true,
  // Lit's html`` and css`` templates stay as written: reflowing them would add whitespace text nodes to the
  // element's DOM (labels, the strings tests read) and change the minified templates.
  embeddedLanguageFormatting: 'off',
};
