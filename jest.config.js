// Root Jest config: one run over every project (apps/* and libs/**), as `npm test` does.
const { getJestProjectsAsync } = require('@nx/jest');

module.exports = async () => ({
  projects: await getJestProjectsAsync(),
});
