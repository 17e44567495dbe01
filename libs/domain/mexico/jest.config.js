module.exports = { displayName: 'domain-mexico', preset: '../../../jest.preset.js' };
