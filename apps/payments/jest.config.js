module.exports = { displayName: 'payments', preset: '../../jest.preset.js' };
