module.exports = { displayName: 'customer', preset: '../../jest.preset.js' };
