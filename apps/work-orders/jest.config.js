module.exports = { displayName: 'work-orders', preset: '../../jest.preset.js' };
