"""Training on real data: the digits network, generalization, population-based training.

numpy only, built on the engine; ``ray_pbt`` imports Ray only when it is asked for.
Submodules load on first use.
"""
