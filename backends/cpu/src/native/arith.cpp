// float16 and bfloat16 add, sub, mul and div: each element loaded to float, computed,
// and rounded once to nearest even on store, as NumPy and ml_dtypes do, without their
// per-element conversion calls. A Python number operand is taken at float's precision;
// arrays may have any strides (a broadcast operand's zeros included).
#include "checks.hpp"
#include "kernels.hpp"
#include "rows.hpp"
#include "strided.hpp"

namespace plugboard_native {

namespace {

enum class Op { add, sub, mul, div };

// One operand: an array of T (read at data[i * step]), or a number.
template <typename T>
struct Operand {
    const T* data;
    float value;
    std::int64_t step = 1;
    float at(std::int64_t i) const { return data ? Compute<T>::load(data[i * step]) : value; }
    Operand row(std::int64_t offset, std::int64_t stride) const {
        return data ? Operand{data + offset, value, stride} : *this;
    }
};

inline float apply(Op op, float a, float b) {
    switch (op) {
        case Op::add: return a + b;
        case Op::sub: return a - b;
        case Op::mul: return a * b;
        case Op::div: return a / b;
    }
    return a;
}

// Out of line, so that each loop is vectorised on its own; ivdep: out is an operand
// exactly or none of it (the Python side runs the NumPy kernel on a partial overlap).
template <typename T, Op op>
__attribute__((noinline)) void span(Operand<T> a, Operand<T> b, float alpha, T* y,
                                    std::int64_t step, std::int64_t begin, std::int64_t end) {
    if (alpha != 1.0f && (op == Op::add || op == Op::sub)) {
#pragma GCC ivdep
        for (std::int64_t i = begin; i < end; ++i) {
            y[i * step] = Compute<T>::store(apply(op, a.at(i), alpha * b.at(i)));
        }
    } else {
#pragma GCC ivdep
        for (std::int64_t i = begin; i < end; ++i) {
            y[i * step] = Compute<T>::store(apply(op, a.at(i), b.at(i)));
        }
    }
}

// Arrays of the layout: 0 is out, then each operand that is an array, in order.
template <typename T, Op op>
void map(const Layout& layout, Operand<T> a, Operand<T> b, float alpha, T* y) {
    if (layout.contiguous()) {
        parallel_for(layout.numel(), 65536, [=](std::int64_t begin, std::int64_t end) {
            span<T, op>(a, b, alpha, y, 1, begin, end);
        });
        return;
    }
    // Which layout array each operand is (0, out's, where it is a number: never read).
    const std::size_t ia = a.data ? 1 : 0;
    const std::size_t ib = b.data ? ia + 1 : 0;
    for_each_row(layout, 1 + (a.data ? 1 : 0) + (b.data ? 1 : 0), 65536,
                 [=](const std::int64_t* at, const std::int64_t* step, std::int64_t n) {
        span<T, op>(a.row(at[ia], step[ia]), b.row(at[ib], step[ib]), alpha, y + at[0], step[0],
                    0, n);
    });
}

template <typename T>
void run(Op op, const Layout& layout, Operand<T> a, Operand<T> b, float alpha, T* y) {
    py::gil_scoped_release release;
    switch (op) {
        case Op::add: map<T, Op::add>(layout, a, b, alpha, y); break;
        case Op::sub: map<T, Op::sub>(layout, a, b, alpha, y); break;
        case Op::mul: map<T, Op::mul>(layout, a, b, alpha, y); break;
        case Op::div: map<T, Op::div>(layout, a, b, alpha, y); break;
    }
}

template <typename T>
Operand<T> operand(const py::object& v) {
    if (py::isinstance<py::array>(v)) {
        return {static_cast<const T*>(py::reinterpret_borrow<py::array>(v).data()), 0.0f};
    }
    return {nullptr, v.cast<float>()};
}

}  // namespace

void binary(const std::string& name, const py::object& a, const py::object& b, double alpha,
            py::array out) {
    std::vector<std::pair<std::string, py::array>> arrays{{"out", out}};
    for (const auto& [label, v] : {std::pair{"self", &a}, std::pair{"other", &b}}) {
        if (py::isinstance<py::array>(*v)) {
            arrays.emplace_back(label, py::reinterpret_borrow<py::array>(*v));
        } else if (!py::isinstance<py::float_>(*v) && !py::isinstance<py::int_>(*v)) {
            Call(name, arrays).fail("ArgumentError", std::string(label) + " is neither an "
                 "array nor a Python number", "pass an array of out's dtype, or a number");
        }
    }
    Call call(name, arrays);
    const DType d = call.dtype();
    call.require_writeable();
    std::vector<py::array> layout_arrays;
    for (const auto& [label, arr] : arrays) {
        if (label != "out") {
            call.require_same_shape(label, "out");
        }
        layout_arrays.push_back(arr);
    }
    const Layout layout(call, layout_arrays);
    Op op;
    if (name == "add") op = Op::add;
    else if (name == "sub") op = Op::sub;
    else if (name == "mul") op = Op::mul;
    else if (name == "div") op = Op::div;
    else {
        call.fail("ArgumentError", "there is no native arithmetic kernel named '" + name + "'",
                  "use one of add, sub, mul, div");
    }
    const auto f = static_cast<float>(alpha);
    if (d == DType::f16) {
        run<half_t>(op, layout, operand<half_t>(a), operand<half_t>(b), f,
                    static_cast<half_t*>(out.mutable_data()));
    } else if (d == DType::bf16) {
        run<bfloat16_t>(op, layout, operand<bfloat16_t>(a), operand<bfloat16_t>(b), f,
                        static_cast<bfloat16_t*>(out.mutable_data()));
    } else {
        call.fail("DTypeError", std::string("native arithmetic computes float16 and bfloat16, "
                  "not ") + dtype_name(d), "use NumPy's ufuncs, which are as fast for it");
    }
}

}  // namespace plugboard_native
