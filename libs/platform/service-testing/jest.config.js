module.exports = { displayName: 'platform-service-testing', preset: '../../../jest.preset.js' };
