module.exports = { displayName: 'collections', preset: '../../jest.preset.js' };
