module.exports = { displayName: 'platform-runtime', preset: '../../../jest.preset.js' };
