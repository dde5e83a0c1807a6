import Experiments
print(dnnRunVersion)
