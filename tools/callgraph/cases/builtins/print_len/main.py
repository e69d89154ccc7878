def run(items):
    print(len(items))


run([1, 2])
