module.exports = { displayName: 'platform-tenancy', preset: '../../../jest.preset.js' };
