#!/usr/bin/env python3
"""scikit-learn peer of `l21`: MultiTaskLasso on the exact X, Y the C# benchmark generated (--export DIR).

Objective (scikit-learn's scaling, the same as the C# L21Regularizer with a shared design, no intercept):
    (1/(2n)) ||Y - XW||_F^2 + alpha * ||W||_{2,1},   alpha = 0.01 * max_j ||X_j^T Y||_2 / n.
Prints median fit time over repeats and the objective it reaches, at scikit-learn's default tol (1e-4) and at 1e-8.
Run: python3 peers/sklearn_l21.py DIR [repeats]   (Debian: apt-get install python3-sklearn)
"""
import sys
import time

import numpy as np
from sklearn.linear_model import MultiTaskLasso


def main():
    folder = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    x = np.fromfile(f"{folder}/X.f64", dtype="<f8").reshape(5000, 200)
    y = np.fromfile(f"{folder}/Y.f64", dtype="<f8").reshape(5000, 20)
    n = x.shape[0]
    alpha = 0.01 * np.max(np.linalg.norm(x.T @ y, axis=1)) / n
    for tol in (1e-4, 1e-8):
        times = []
        model = None
        for _ in range(repeats):
            model = MultiTaskLasso(alpha=alpha, fit_intercept=False, tol=tol, max_iter=100000)
            start = time.perf_counter()
            model.fit(x, y)
            times.append(time.perf_counter() - start)
        w = model.coef_.T
        r = y - x @ w
        objective = (r * r).sum() / (2 * n) + alpha * np.linalg.norm(w, axis=1).sum()
        times.sort()
        print(f"sklearn MultiTaskLasso tol={tol:g}: median {times[len(times) // 2]:.3f} s "
              f"(min {times[0]:.3f}, max {times[-1]:.3f}); {model.n_iter_} iterations; objective {objective!r}")


if __name__ == "__main__":
    main()
