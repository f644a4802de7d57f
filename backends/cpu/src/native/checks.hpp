// The checks every native kernel makes before it reads memory: dtype, layout, shape.
// pybind11 would convert an argument silently (a copy of a strided or wrong-dtype array,
// written nowhere): the bindings take plain py::array with noconvert, and these checks
// refuse what a kernel does not cover with a plugboard error naming the operator,
// its inputs and the fix.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace plugboard_native {

namespace py = pybind11;

enum class DType { f32, f64, f16, bf16 };

// Raised as plugboard.<kind>(message, op=op, inputs=inputs) by the module's translator.
struct KernelArgumentError : std::runtime_error {
    KernelArgumentError(std::string kind_, std::string op_, const std::string& message,
                        std::string inputs_)
        : std::runtime_error(message),
          kind(std::move(kind_)),
          op(std::move(op_)),
          inputs(std::move(inputs_)) {}
    std::string kind;
    std::string op;
    std::string inputs;
};

// One call's arrays, by argument name, for its checks and its error messages.
class Call {
public:
    Call(std::string op, std::vector<std::pair<std::string, py::array>> arrays);

    // The arrays' common dtype, which the kernel must cover; else DTypeError.
    DType dtype() const;
    // Every array C-contiguous and aligned, and `out` writeable; else ArgumentError.
    void require_contiguous() const;
    // `out` writeable; else ArgumentError.
    void require_writeable() const;
    // The number of elements of the array named `name` must be `numel`; else ShapeError.
    void require_numel(const std::string& name, std::int64_t numel) const;
    // `self` read as rows of `cols` elements, one for each element of `out`: the rows;
    // else ShapeError.
    std::int64_t require_rows(std::int64_t cols) const;
    void require_same_shape(const std::string& a, const std::string& b) const;
    [[noreturn]] void fail(const std::string& kind, const std::string& message,
                           const std::string& fix) const;

    const py::array& operator[](const std::string& name) const;

private:
    std::string op_;
    std::vector<std::pair<std::string, py::array>> arrays_;
    std::string describe() const;
};

std::int64_t numel(const py::array& a);
const char* dtype_name(DType d);

}  // namespace plugboard_native
