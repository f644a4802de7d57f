// Elementwise transcendental functions: exp, log, tanh, erf, sigmoid, silu and both
// forms of gelu. float computes exp with the vectorisable exp_f; log and tanh come from
// libm's float functions (within 1 ULP), erf from its double one; double uses libm
// throughout. Any
// strides: the same arithmetic on every layout, so results do not depend on it.
#include <cmath>
#include <cstring>

#include "checks.hpp"
#include "common.hpp"
#include "kernels.hpp"
#include "mathfun.hpp"
#include "strided.hpp"

namespace plugboard_native {

namespace {

constexpr double kSqrtHalf = 0.707106781186547524400844362104849039;
constexpr double kSqrt2OverPi = 0.797884560802865355879892119868763737;

struct Exp {
    static float f(float x) { return exp_f(x); }
    static double f(double x) { return std::exp(x); }
    static constexpr std::int64_t grain = 32768;
};
struct Log {
    static float f(float x) { return std::log(x); }
    static double f(double x) { return std::log(x); }
    static constexpr std::int64_t grain = 16384;
};
struct Tanh {
    static float f(float x) { return std::tanh(x); }
    static double f(double x) { return std::tanh(x); }
    static constexpr std::int64_t grain = 8192;
};
// float's erf is double's rounded once, as the NumPy kernel computes it: the same bits.
struct Erf {
    static float f(float x) { return static_cast<float>(std::erf(static_cast<double>(x))); }
    static double f(double x) { return std::erf(x); }
    static constexpr std::int64_t grain = 8192;
};
struct Sigmoid {
    static float f(float x) { return 1.0f / (1.0f + exp_f(-x)); }
    static double f(double x) { return 1.0 / (1.0 + std::exp(-x)); }
    static constexpr std::int64_t grain = 32768;
};
// x / (1 + exp(-x)), as PyTorch: very negative x gives -0.0, not NaN.
struct Silu {
    static float f(float x) { return x / (1.0f + exp_f(-x)); }
    static double f(double x) { return x / (1.0 + std::exp(-x)); }
    static constexpr std::int64_t grain = 32768;
};
struct Gelu {
    static float f(float x) { return 0.5f * x * one_plus_erf_scaled_f(x); }
    // erfc(-z) is 1 + erf(z) without its cancellation for negative z.
    static double f(double x) { return 0.5 * x * std::erfc(-x * kSqrtHalf); }
    static constexpr std::int64_t grain = 16384;
};
// 0.5 x (1 + tanh(u)) is x / (1 + exp(-2u)), u = sqrt(2 / pi) (x + 0.044715 x^3).
struct GeluTanh {
    static float f(float x) {
        const float u = static_cast<float>(kSqrt2OverPi) * (x + 0.044715f * x * x * x);
        return x / (1.0f + exp_f(-2.0f * u));
    }
    static double f(double x) {
        const double u = kSqrt2OverPi * (x + 0.044715 * x * x * x);
        return x / (1.0 + std::exp(-2.0 * u));
    }
    static constexpr std::int64_t grain = 16384;
};

// The loops, out of line so that each is vectorised on its own (inlined into the
// dispatch they were not, for some instantiations). ivdep: out is the input exactly or
// none of it (the Python side runs the NumPy kernel on a partial overlap).
template <typename Op, typename T>
__attribute__((noinline)) PLUGBOARD_CLONES void contiguous(const T* x, T* y, std::int64_t begin,
                                          std::int64_t end) {
#pragma GCC ivdep
    for (std::int64_t i = begin; i < end; ++i) {
        y[i] = Compute<T>::store(Op::f(Compute<T>::load(x[i])));
    }
}

template <typename Op, typename T>
__attribute__((noinline)) PLUGBOARD_CLONES void strided(const T* x, std::int64_t sx, T* y, std::int64_t sy,
                                       std::int64_t n) {
#pragma GCC ivdep
    for (std::int64_t j = 0; j < n; ++j) {
        y[j * sy] = Compute<T>::store(Op::f(Compute<T>::load(x[j * sx])));
    }
}

template <typename Op, typename T>
void map(const Layout& layout, const void* src, void* dst) {
    const T* x = static_cast<const T*>(src);
    T* y = static_cast<T*>(dst);
    if (layout.contiguous()) {
        parallel_for(layout.numel(), Op::grain, [x, y](std::int64_t begin, std::int64_t end) {
            contiguous<Op, T>(x, y, begin, end);
        });
        return;
    }
    // Row by row through the strides: array 0 is out, array 1 the input.
    for_each_row(layout, 2, Op::grain,
                 [x, y](const std::int64_t* at, const std::int64_t* step, std::int64_t n) {
        strided<Op, T>(x + at[1], step[1], y + at[0], step[0], n);
    });
}

template <typename Op>
void run(DType d, const Layout& layout, const void* x, void* y) {
    switch (d) {
        case DType::f32: map<Op, float>(layout, x, y); break;
        case DType::f64: map<Op, double>(layout, x, y); break;
        case DType::f16: map<Op, half_t>(layout, x, y); break;
        case DType::bf16: map<Op, bfloat16_t>(layout, x, y); break;
    }
}

const char* const kOps[] = {"exp", "log", "tanh", "erf", "sigmoid", "silu", "gelu",
                            "gelu_tanh", nullptr};

}  // namespace

const char* const* unary_ops() { return kOps; }

void unary(const std::string& op, const py::array& x, py::array out) {
    Call call(op, {{"self", x}, {"out", out}});
    const DType d = call.dtype();
    call.require_writeable();
    call.require_same_shape("self", "out");
    const Layout layout(call, {out, x});
    using Runner = void (*)(DType, const Layout&, const void*, void*);
    Runner runner = nullptr;
    if (op == "exp") runner = run<Exp>;
    else if (op == "log") runner = run<Log>;
    else if (op == "tanh") runner = run<Tanh>;
    else if (op == "erf") runner = run<Erf>;
    else if (op == "sigmoid") runner = run<Sigmoid>;
    else if (op == "silu") runner = run<Silu>;
    else if (op == "gelu") runner = run<Gelu>;
    else if (op == "gelu_tanh") runner = run<GeluTanh>;
    else {
        call.fail("ArgumentError", "there is no native unary kernel named '" + op + "'",
                  "use one of exp, log, tanh, erf, sigmoid, silu, gelu, gelu_tanh");
    }
    const void* src = x.data();
    void* dst = out.mutable_data();
    py::gil_scoped_release release;
    runner(d, layout, src, dst);
}

}  // namespace plugboard_native
