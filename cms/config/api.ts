export default {
  rest: {
    defaultLimit: 25,
    maxLimit: 100,
    withCount: true,
    // An unknown query parameter on a core route answers 400 instead of being ignored: a caller's typo or probe is
    // told so, and nothing we do not read reaches the query layer.
    strictParams: true,
  },
};
