module.exports = { displayName: 'util', preset: '../../jest.preset.js' };
