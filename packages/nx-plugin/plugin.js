// `@codegraph/nx/plugin` entry, as Nx's own plugins expose (`@nx/jest/plugin`).
module.exports = require('./dist/plugins/plugin');
