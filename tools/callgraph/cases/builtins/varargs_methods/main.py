def configure(*args, **kwargs):
    debug = kwargs.pop("debug", False)
    kwargs.setdefault("level", 1)
    return args.count(1), debug, sorted(kwargs.items())


configure(1, 2, debug=True)
