// Maps the tsconfig path aliases (@supra/...) to Jest's moduleNameMapper.
const fs = require('node:fs');
const path = require('node:path');

function pathsToModuleNameMapper(tsconfigFile) {
  const { compilerOptions } = JSON.parse(fs.readFileSync(tsconfigFile, 'utf8'));
  const root = path.dirname(tsconfigFile);
  const mapper = {};
  for (const [alias, [target]] of Object.entries(compilerOptions.paths ?? {})) {
    const key = '^' + alias.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('*', '(.*)') + '$';
    mapper[key] = path.join(root, target.replace('*', '$1'));
  }
  return mapper;
}

module.exports = { pathsToModuleNameMapper };
