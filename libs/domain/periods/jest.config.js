module.exports = { displayName: 'domain-periods', preset: '../../../jest.preset.js' };
