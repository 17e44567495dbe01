module.exports = { displayName: 'domain-money', preset: '../../../jest.preset.js' };
