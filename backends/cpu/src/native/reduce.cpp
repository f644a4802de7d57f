// The sum over the last dimension, in double. A long row is cut into fixed blocks summed
// on any thread and then added in block order, so the result does not depend on the
// thread count.
#include <vector>

#include "checks.hpp"
#include "kernels.hpp"
#include "rows.hpp"

namespace plugboard_native {

namespace {

constexpr std::int64_t kBlock = 16384;

// Out of line for the AVX2 build.
template <typename T>
__attribute__((noinline)) PLUGBOARD_CLONES double block_sum(const T* x, std::int64_t n) {
    using C = compute_t<T>;
    if constexpr (std::is_same_v<T, C>) {
        return sum_double(x, n);
    } else {
        double lane[4] = {0.0, 0.0, 0.0, 0.0};
        std::int64_t i = 0;
        for (; i + 4 <= n; i += 4) {
            for (int k = 0; k < 4; ++k) {
                lane[k] += static_cast<double>(Compute<T>::load(x[i + k]));
            }
        }
        for (; i < n; ++i) {
            lane[0] += static_cast<double>(Compute<T>::load(x[i]));
        }
        return (lane[0] + lane[1]) + (lane[2] + lane[3]);
    }
}

template <typename T>
void sum_rows(const T* x, T* y, std::int64_t rows, std::int64_t cols) {
    using C = compute_t<T>;
    const std::int64_t blocks = cols > 0 ? (cols + kBlock - 1) / kBlock : 0;
    std::vector<double> partial(static_cast<std::size_t>(rows * blocks));
    parallel_for(rows * blocks, std::max<std::int64_t>(1, 65536 / std::min(cols, kBlock + 1)),
                 [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t t = begin; t < end; ++t) {
            const std::int64_t r = t / blocks;
            const std::int64_t start = (t % blocks) * kBlock;
            partial[static_cast<std::size_t>(t)] =
                block_sum(x + r * cols + start, std::min(kBlock, cols - start));
        }
    });
    for (std::int64_t r = 0; r < rows; ++r) {
        double total = 0.0;
        for (std::int64_t k = 0; k < blocks; ++k) {
            total += partial[static_cast<std::size_t>(r * blocks + k)];
        }
        y[r] = Compute<T>::store(static_cast<C>(total));
    }
}

template <typename T>
void run(const py::array& x, py::array out, std::int64_t rows, std::int64_t cols) {
    const T* src = static_cast<const T*>(x.data());
    T* dst = static_cast<T*>(out.mutable_data());
    py::gil_scoped_release release;
    sum_rows(src, dst, rows, cols);
}

}  // namespace

void sum_last(const py::array& x, std::int64_t cols, py::array out) {
    Call call("sum", {{"self", x}, {"out", out}});
    const DType d = call.dtype();
    call.require_contiguous();
    const std::int64_t rows = call.require_rows(cols);
    switch (d) {
        case DType::f32: run<float>(x, out, rows, cols); break;
        case DType::f64: run<double>(x, out, rows, cols); break;
        case DType::f16: run<half_t>(x, out, rows, cols); break;
        case DType::bf16: run<bfloat16_t>(x, out, rows, cols); break;
    }
}

}  // namespace plugboard_native
