/** mathjs's parser, in a module (and a build chunk, `mathjs-*.js`) of its own: targets.ts loads it on demand. */
export { parse } from 'mathjs/number';
